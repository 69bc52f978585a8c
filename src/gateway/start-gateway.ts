// The gateway's HTTP server: Node's own parser (strict: it refuses ambiguous framing, see
// proxy.ts for what it lets through), a bound on request heads (431), and the route table
// swapped whole on reload, so a request sees the old table or the new one, never half of each.

import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import { type OutlierConfig, OutlierDetector } from '../resilience/index.js';
import { createAdminServer } from './admin.js';
import { DEFAULT_GATEWAY_CONFIG, type GatewayConfig, type RouteInput } from './config.js';
import { GatewayObserver, type ObserverSources } from './observe.js';
import { type ProxyContext, proxyRequest, sendJson } from './proxy.js';
import { RegistryFollower } from './registry-follower.js';
import { compileRoutes, type RouteTable } from './routes.js';
import { Upstreams } from './upstreams.js';

export interface StartGatewayOptions {
  /** The `gateway:` section; what is left out takes its default. Its routes are checked here. */
  config?: Partial<GatewayConfig>;
  /** The Kafka cluster with the registry's events topic; needed for lb:// routes and discovery routes. */
  bootstrap?: string;
  /** Default: warnings and errors on stderr. */
  logger?: Logger;
  /** ms since the epoch (After/Before/Between); tests inject one. */
  now?: () => number;
  /** [0, 1) for Weight; tests inject one. */
  random?: () => number;
  /** Overrides `config.outlierDetection` (Envoy's defaults: 5 in a row, 30 s). */
  outlierDetection?: Partial<OutlierConfig>;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** The admin listener (/metrics, /api/gateway/*), when `adminPort` is not -1. */
  readonly adminUrl?: string;
  /** The gateway's Prometheus series (sluice_gateway_*, sluice_circuit_breaker_state). */
  readonly metrics: Registry;
  /** The routes now in force. */
  routes(): RouteTable;
  /**
   * Compiles new routes and puts them in force; on any problem throws RouteConfigError and the
   * routes in force stay. Requests under way finish on the table they started with.
   */
  reload(routes: readonly RouteInput[]): void;
  /** Resolves once the registry's topic has been read up to where it was at start (lb:// targets). */
  readonly registryReady: Promise<void>;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 10_000;

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const config: GatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...options.config };
  const logger = options.logger ?? pino({ name: 'sluice', level: 'warn' }, pino.destination(2));
  const defaults = { connectTimeoutMs: config.connectTimeoutMs, responseTimeoutMs: config.responseTimeoutMs };
  let table = compileRoutes(config.routes, defaults);
  const needsRegistry = table.usesLoadBalancer || config.discoveryRoutes;
  const follower =
    options.bootstrap === undefined
      ? undefined
      : new RegistryFollower({
          bootstrap: options.bootstrap.split(','),
          topic: config.registryTopic,
          logger,
        });
  if (needsRegistry && follower === undefined)
    logger.warn(
      'lb:// routes and discovery routes need the registry: no Kafka bootstrap was given, they answer 503',
    );
  const upstreams = new Upstreams();
  let port = 0;
  const context: ProxyContext = {
    routes: () => table,
    ...(follower ? { follower } : {}),
    discoveryRoutes: config.discoveryRoutes,
    defaults,
    upstreams,
    outliers: new OutlierDetector({
      ...DEFAULT_GATEWAY_CONFIG.outlierDetection,
      ...config.outlierDetection,
      ...options.outlierDetection,
    }),
    logger,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    port: () => port,
  };
  const sources: ObserverSources = {
    routes: () => table,
    ...(follower ? { follower } : {}),
    outliers: context.outliers,
    logger,
  };
  const observer = new GatewayObserver(sources);
  const server = createServer(
    { maxHeaderSize: config.maxHeaderBytes, requestTimeout: 0, keepAliveTimeout: 65_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      observer.watch(req, res);
      proxyRequest(context, req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'gateway request failed');
        if (!res.headersSent)
          sendJson(res, 500, { error: 'Internal Server Error', message: 'internal error' }, true);
        else res.destroy();
      });
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException & { reason?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 431
        ? `the request head is larger than ${config.maxHeaderBytes} bytes`
        : (error.reason ?? error.message ?? 'malformed request');
    const body = JSON.stringify({ status, error: STATUS_CODES[status], message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  const admin = config.adminPort < 0 ? undefined : createAdminServer(observer, sources);
  let adminUrl: string | undefined;
  if (admin) {
    try {
      await listen(admin, config.adminPort, config.host);
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
    const adminAddress = admin.address();
    adminUrl = `http://${shownHost}:${typeof adminAddress === 'object' && adminAddress ? adminAddress.port : config.adminPort}`;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    ...(adminUrl === undefined ? {} : { adminUrl }),
    metrics: observer.registry,
    routes: () => table,
    reload(routes) {
      table = compileRoutes(routes, defaults);
    },
    registryReady: follower?.caughtUp ?? Promise.resolve(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(timer);
        if (admin) {
          const adminClosed = new Promise((resolve) => admin.close(resolve));
          admin.closeAllConnections();
          await adminClosed;
        }
        await upstreams.close();
        await follower?.close();
      })();
      return closing;
    },
  };
}

function listen(server: import('node:http').Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
