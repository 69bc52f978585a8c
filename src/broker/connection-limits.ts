// How many connections the Kafka port holds, in all and per client address (Kafka's
// max.connections and max.connections.per.ip). Kafka's acceptor stops accepting at the total
// limit until a connection closes; here a connection over either limit is closed as soon as it
// is accepted, which keeps the listener answering (the next one may fit) and costs a rejected
// client only a reconnect.

export type RejectReason = 'max_connections' | 'max_connections_per_ip';
export const REJECT_REASONS: readonly RejectReason[] = ['max_connections', 'max_connections_per_ip'];

export class ConnectionLimits {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  /** Connections refused so far, by which limit refused them. */
  readonly rejected: Record<RejectReason, number> = { max_connections: 0, max_connections_per_ip: 0 };

  constructor(
    readonly maxConnections: number,
    readonly maxConnectionsPerIp: number,
  ) {}

  /** Takes a place for a connection from `address`, or says which limit refuses it. */
  admit(address: string): RejectReason | undefined {
    const fromAddress = this.perAddress.get(address) ?? 0;
    const refused =
      fromAddress >= this.maxConnectionsPerIp
        ? 'max_connections_per_ip'
        : this.total >= this.maxConnections
          ? 'max_connections'
          : undefined;
    if (refused) {
      this.rejected[refused]++;
      return refused;
    }
    this.total++;
    this.perAddress.set(address, fromAddress + 1);
    return undefined;
  }

  /** Gives back the place of an admitted connection that closed. */
  release(address: string): void {
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, fromAddress - 1);
    this.total--;
  }

  get open(): number {
    return this.total;
  }
}
