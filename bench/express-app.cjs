// The minimal Express 5 app of bench/startup.mjs and bench/http-rps.mjs: `GET /` answers a small
// JSON body. Without `--serve` it listens on a free loopback port and closes at once (start-up
// and a clean exit); with `--serve` it stays up and tells its parent the port over IPC.
'use strict';
const express = require('express');

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(0, '127.0.0.1', () => {
  if (process.argv.includes('--serve')) process.send({ port: server.address().port });
  else server.close();
});
