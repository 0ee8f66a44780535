/**
 * Giving records up: each drop is counted in the {@link Ledger} and said through the OTel diag
 * logger, at most once a minute per code (`SL_EXPORT_DROPPED`, `SL_EXPORT_REJECTED`,
 * `SL_AUTH_REJECTED`).
 */
import { reportError, reportWarning, wouldReport } from '../../src/base/diag';
import { AuthRejectedError, ExportDroppedError, ExportRejectedError } from '../../src/base/errors';
import type { Ledger } from './ledger';
import type { DropReason, SignalName } from './types';

/** The diagnostic code of {@link ExportDroppedError}, checked before building one. */
const DROPPED_CODE: ExportDroppedError['code'] = 'SL_EXPORT_DROPPED';

export class Drops {
  constructor(
    private readonly ledger: Ledger,
    private readonly signal: SignalName,
    /** The endpoint without credentials, for the auth error. */
    private readonly safeUrl: string,
  ) {}

  /** Records refused at the door (queue full, shut down). Under overload: once per record. */
  refused(records: number, reason: DropReason): void {
    this.ledger.refused(records, reason);
    this.warn(reason);
  }

  /** Records in flight given up; `status` is the HTTP answer that decided it, if one did. */
  inFlight(records: number, reason: DropReason, status?: number): void {
    this.ledger.droppedInFlight(records, reason);
    if (reason === 'auth' && status !== undefined) {
      reportError(new AuthRejectedError(this.safeUrl, status));
    } else if (reason === 'rejected' && status !== undefined) {
      reportWarning(new ExportRejectedError(this.signal, status));
    } else {
      this.warn(reason);
    }
  }

  /**
   * `SL_EXPORT_DROPPED`, rate-limited. Checked before the error object is built, because under
   * overload this runs for every refused record.
   */
  warn(reason: DropReason): void {
    if (!wouldReport(DROPPED_CODE)) return;
    reportWarning(new ExportDroppedError(this.signal, reason));
  }
}
