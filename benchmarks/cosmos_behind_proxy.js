#!/usr/bin/env node
// Runs the test suite's Cosmos-compatible server (tests/servers/cosmos_server.js)
// behind the delaying proxy.
//
// Usage: ADVERTISED_PORT=<proxy port> node benchmarks/cosmos_behind_proxy.js --port <real port>
//
// A Cosmos account tells its clients where to send writes (the account's
// writableLocations). This server names the address it listens on, so the
// SDKs would send writes around the proxy; here it names the proxy's port
// instead, as a real account names its public endpoint.
"use strict";

const https = require("https");

const advertisedPort = parseInt(process.env.ADVERTISED_PORT || "", 10);
if (!advertisedPort) {
  process.stderr.write("set ADVERTISED_PORT to the delaying proxy's port\n");
  process.exit(2);
}

const createServer = https.createServer;
https.createServer = function createAdvertisingServer(...args) {
  const server = createServer.apply(this, args);
  const address = server.address.bind(server);
  server.address = () => {
    const real = address();
    return real && { ...real, port: advertisedPort };
  };
  return server;
};

require("../tests/servers/cosmos_server.js");
