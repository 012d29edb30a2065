/**
 * The session's provider connection: opened lazily (a limiter slot, then `connect()` under the
 * handshake deadline), reused across replies, kept alive while idle, renewed when too old, and
 * closed on failure. Events of the live connection go to the session; everything from a dropped
 * connection is ignored.
 * @internal
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { ConnectionEvent, SpeechConnection, SpeechProvider } from '../provider.js';
import { limitKeyOf, type ConnectionLease, type LimitStore } from '../limits/index.js';
import { startSoon } from './start-gate.js';
import { timer } from './time.js';

/** Calls `start`, turning a synchronous throw (a faulty provider or store) into a rejection. */
function promised<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** One open provider connection. @internal */
export interface LiveConnection {
  readonly connection: SpeechConnection;
  readonly provider: SpeechProvider;
  readonly providerIndex: number;
  readonly connectedAt: number;
  dead: boolean;
}

interface Held extends LiveConnection {
  readonly lease: ConnectionLease;
  sub: Subscription | undefined;
  lastSendAt: number;
  keepAliveTimer: Subscription | undefined;
}

/** What the connection slot reports to its session. @internal */
export interface ConnectionListener {
  /** An event of the live connection (not `closed`, not a connection-level error). */
  event(conn: LiveConnection, event: ConnectionEvent): void;
  /** The connection broke; it is already dropped. */
  dead(conn: LiveConnection, error: SpeechError): void;
}

/** Settings of the slot. @internal */
export interface ConnectionSlotOptions {
  readonly providers: readonly SpeechProvider[];
  readonly scheduler: SchedulerLike;
  readonly handshakeMs: number;
  /** Longest wait for a slot of the per-key connection limiter. */
  readonly slotWaitMs: number;
  readonly onLimit: 'queue' | 'fail';
  /** Where the per-key limits are counted. */
  readonly limits: LimitStore;
}

/** Holds at most one connection (to one provider of the chain) at a time. @internal */
export class ConnectionSlot {
  private conn: Held | undefined;
  private connecting: { index: number; promise: Promise<LiveConnection>; controller: AbortController } | undefined;
  private closed = false;
  /** No reply is running: the live connection may give its limiter slot back when others wait. */
  private idle = true;

  constructor(
    private readonly options: ConnectionSlotOptions,
    private readonly listener: ConnectionListener,
  ) {}

  /** The provider index of the connection being opened, else of the live one, if any. */
  get currentIndex(): number | undefined {
    return this.connecting?.index ?? (this.conn && !this.conn.dead ? this.conn.providerIndex : undefined);
  }

  /** The live connection to provider `index`, connecting when needed (dropping one to another). */
  acquire(index: number): Promise<LiveConnection> {
    const conn = this.conn;
    if (conn && !conn.dead) {
      if (conn.providerIndex === index) return Promise.resolve(conn);
      this.drop(conn);
    }
    if (this.connecting) {
      if (this.connecting.index === index) return this.connecting.promise;
      this.connecting.controller.abort();
      this.connecting = undefined;
    }
    const controller = new AbortController();
    const promise = this.open(index, controller);
    const entry = { index, promise, controller };
    this.connecting = entry;
    const clear = (): void => {
      if (this.connecting === entry) this.connecting = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  /** Before a reply starts: renews a connection older than the provider's `maxConnectionAgeMs`. */
  renewIfOld(): void {
    const conn = this.conn;
    const maxAge = conn?.provider.capabilities.maxConnectionAgeMs;
    if (conn && maxAge !== undefined && this.options.scheduler.now() - conn.connectedAt >= maxAge) this.drop(conn);
  }

  /**
   * Whether the session has no reply running. An idle connection lets the limit store reclaim its
   * slot for a session that waits: it is closed, and the next reply connects again.
   */
  setIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    if (this.conn) this.offerSlot(this.conn);
  }

  /** Closes and forgets a connection (its late events are ignored). */
  drop(live: LiveConnection): void {
    const conn = live as Held;
    if (this.conn === conn) this.conn = undefined;
    if (conn.dead) return;
    conn.dead = true;
    conn.keepAliveTimer?.unsubscribe();
    conn.sub?.unsubscribe();
    conn.lease.release();
    try {
      conn.connection.close();
    } catch {
      // close() must not throw; ignore if it does
    }
  }

  /** Records that something was sent (for keepalive idleness). */
  touched(live: LiveConnection): void {
    (live as Held).lastSendAt = this.options.scheduler.now();
  }

  /** Closes everything for good. */
  close(): void {
    this.closed = true;
    this.connecting?.controller.abort();
    this.connecting = undefined;
    if (this.conn) this.drop(this.conn);
  }

  private open(index: number, controller: AbortController): Promise<LiveConnection> {
    const provider = this.options.providers[index] as SpeechProvider;
    const { handshakeMs, slotWaitMs, onLimit, scheduler, limits } = this.options;
    return new Promise<LiveConnection>((resolve, reject) => {
      let settled = false;
      let deadline: Subscription | undefined;
      let lease: ConnectionLease | undefined;
      const fail = (error: SpeechError): void => {
        if (settled) return;
        settled = true;
        deadline?.unsubscribe();
        lease?.release();
        controller.abort();
        reject(error);
      };
      controller.signal.addEventListener('abort', () => fail(new SpeechError('cancelled', 'Connecting was cancelled.', { provider: provider.name })), { once: true });
      // Waiting for a slot of the per-key limit is bounded too: limits never wedge.
      deadline = timer(scheduler, slotWaitMs, () =>
        fail(new SpeechError('rate-limit', `No connection slot for ${provider.name} within ${slotWaitMs} ms (concurrent connection limit of the key).`, { retryable: false, provider: provider.name })),
      );
      const connected = (connection: SpeechConnection): void => {
        if (settled) return connection.close();
        settled = true;
        deadline?.unsubscribe();
        resolve(this.attach(connection, provider, index, lease as ConnectionLease));
      };
      const connect = (): void => {
        if (settled) return;
        promised(() => provider.connect({ signal: controller.signal })).then(connected, (err: unknown) => fail(SpeechError.from(err, 'connection', { provider: provider.name })));
      };
      const granted = (held: ConnectionLease): void => {
        if (settled) return held.release();
        lease = held;
        deadline?.unsubscribe();
        deadline = timer(scheduler, handshakeMs, () => fail(new SpeechError('timeout', `Connecting to ${provider.name} took longer than ${handshakeMs} ms.`, { provider: provider.name })));
        // Opening sockets is the costly part of starting many replies at once: spread over turns.
        startSoon(connect);
      };
      promised(() => limits.acquireConnection(limitKeyOf(provider), { wait: onLimit === 'queue', signal: controller.signal })).then(granted, (err: unknown) => fail(SpeechError.from(err, 'rate-limit', { provider: provider.name })));
    });
  }

  private attach(connection: SpeechConnection, provider: SpeechProvider, index: number, lease: ConnectionLease): LiveConnection {
    const now = this.options.scheduler.now();
    const conn: Held = { connection, provider, providerIndex: index, connectedAt: now, lease, sub: undefined, dead: false, lastSendAt: now, keepAliveTimer: undefined };
    if (this.closed) {
      this.drop(conn);
      return conn;
    }
    if (this.conn && this.conn !== conn) this.drop(this.conn);
    this.conn = conn;
    const closedError = (): SpeechError => new SpeechError('connection', `The connection to ${provider.name} closed.`, { provider: provider.name });
    conn.sub = connection.events.subscribe({
      next: (event) => {
        if (conn.dead) return;
        if (event.type === 'closed') this.died(conn, event.error ?? closedError());
        else if (event.type === 'error' && event.utteranceId === undefined) this.died(conn, event.error);
        else this.listener.event(conn, event);
      },
      error: (err: unknown) => this.died(conn, SpeechError.from(err, 'connection', { provider: provider.name })),
      complete: () => this.died(conn, closedError()),
    });
    this.armKeepAlive(conn);
    this.offerSlot(conn);
    return conn;
  }

  /** Tells the lease whether its connection is idle (and how to take it back). */
  private offerSlot(conn: Held): void {
    if (conn.dead) return;
    conn.lease.idle(this.idle ? () => this.drop(conn) : undefined);
  }

  private died(conn: Held, error: SpeechError): void {
    if (conn.dead) return;
    this.drop(conn);
    this.listener.dead(conn, error);
  }

  private armKeepAlive(conn: Held): void {
    const interval = conn.provider.capabilities.keepAliveIntervalMs;
    if (interval === undefined || !conn.connection.keepAlive || conn.dead) return;
    conn.keepAliveTimer?.unsubscribe();
    const { scheduler } = this.options;
    const tick = (): void => {
      if (conn.dead) return;
      const idle = scheduler.now() - conn.lastSendAt;
      if (idle >= interval) {
        conn.connection.keepAlive?.();
        conn.lastSendAt = scheduler.now();
        conn.keepAliveTimer = timer(scheduler, interval, tick);
      } else conn.keepAliveTimer = timer(scheduler, interval - idle, tick);
    };
    conn.keepAliveTimer = timer(scheduler, interval - (scheduler.now() - conn.lastSendAt), tick);
  }
}
