// The ES-module twin of bench/express-app.cjs, for the `--import` rows of bench/startup.mjs:
// listens on a free loopback port and closes at once.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(0, '127.0.0.1', () => server.close());
