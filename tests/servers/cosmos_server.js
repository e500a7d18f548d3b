#!/usr/bin/env node
// Starts @vercel/cosmosdb-server for the test suite.
//
// Usage: node tests/servers/cosmos_server.js [--host 127.0.0.1] [--port 8081]
// (or COSMOS_SERVER_HOST / COSMOS_SERVER_PORT). Prints one JSON line,
// {"host": ..., "port": ...}, once it accepts connections.
//
// Two differences from the package's own CLI, both about matching real Cosmos:
// - keep-alive is on, as on the real service, so the Python client reuses
//   its TLS connections instead of paying a handshake per request;
// - reading a document that does not exist answers 404, as real Cosmos does,
//   instead of the 500 the package's read handler gives (it dereferences the
//   missing document). Product code must see the real service's behaviour.
"use strict";

const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
const { readOperation } = require("@vercel/cosmosdb-server/lib/handler/_document-operations");
const getPartitionFromHeader = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

// Must run before lib/index.js is loaded: its route table captures the handler.
const originalReadDocument = readDocument.default;
readDocument.default = (account, req, res, params) => {
  try {
    return originalReadDocument(account, req, res, params);
  } catch (err) {
    const collection = account.database(params.dbId).collection(params.collId);
    if (collection.read()) {
      const missing = readOperation(collection, {
        partitionKey: getPartitionFromHeader.default(req),
        id: params.docId,
      });
      if (missing.statusCode === 404) {
        res.statusCode = 404;
        return missing.body;
      }
    }
    throw err;
  }
};

const { createHttpsServer } = require("@vercel/cosmosdb-server");

function option(name, envName, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  return process.env[envName] || fallback;
}

const host = option("host", "COSMOS_SERVER_HOST", "127.0.0.1");
const port = parseInt(option("port", "COSMOS_SERVER_PORT", "8081"), 10);

const server = createHttpsServer({ keepAlive: true });
// Idle connections outlive the Python client's pool timeout (aiohttp: 15 s),
// so the client never reuses a socket the server has just closed.
server.keepAliveTimeout = 120 * 1000;
server.headersTimeout = 121 * 1000;
server.listen(port, host, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ host, port: address.port })}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
