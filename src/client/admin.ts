// Cluster administration for Sluice's components: topics, their configs, consumer groups and their
// offsets, in Sluice's own shapes. Reads that client libraries hide or get wrong (internal topics,
// raw offsets, group descriptions whatever client made the assignments) use Sluice's own codec;
// the rest goes through the client library, whose failures come out as ClientErrors.

import type { Admin } from '@platformatic/kafka';
import { FindCoordinator, ListGroups } from '../protocol/index.js';
import { ClientError } from './client-error.js';
import { type ConnectOptions, isUnsupportedApi, libraryAdmin, toClientError, translated } from './library.js';
import {
  type BrokerDescription,
  type ConfigEntry,
  type GroupListing,
  type OffsetSpec,
  type OffsetTable,
  setOffset,
  type TopicDescription,
  type TopicPartitions,
} from './types.js';
import { ClusterClient } from './wire/cluster-client.js';
import { type ClusterLayout, readLayout, readOffsets } from './wire/cluster-reads.js';
import { describeGroups, type GroupDescription } from './wire/describe-groups.js';

/** Kafka's config resource type of a topic. */
const TOPIC_RESOURCE = 2;
/** DescribeConfigs' config source of a value nobody set. */
const DEFAULT_CONFIG_SOURCE = 5;

export interface NewTopic {
  /** Default: the broker's num.partitions. */
  partitions?: number;
  /** Default: the broker's default replication factor. */
  replicas?: number;
  configs?: Record<string, string>;
}

export class KafkaAdmin {
  readonly #options: ConnectOptions;
  readonly #wire: ClusterClient;
  #library: Admin | undefined;

  constructor(options: ConnectOptions) {
    this.#options = options;
    this.#wire = new ClusterClient({
      bootstrap: options.bootstrap,
      clientId: options.clientId,
      timeoutMs: options.timeoutMs,
    });
  }

  /** The library's admin, made on first use (reads that need only the codec never load it). */
  get #admin(): Admin {
    this.#library ??= libraryAdmin(this.#options);
    return this.#library;
  }

  #call<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    return translated(this.#options.bootstrap, () => work(this.#admin));
  }

  /** The codec's connections, for the readers that share them (PartitionReader, the lag monitor). */
  get wire(): ClusterClient {
    return this.#wire;
  }

  /** Brokers and topics; every topic, internal ones included, when `topics` is null. */
  layout(topics: readonly string[] | null): Promise<ClusterLayout> {
    return readLayout(this.#wire, topics);
  }

  async listTopics(options: { internal?: boolean } = {}): Promise<string[]> {
    const { topics } = await this.layout(null);
    return [...topics.values()]
      .filter((t) => options.internal || !t.internal)
      .map((t) => t.name)
      .sort();
  }

  /** The topic's partitions and replicas; NOT_FOUND when it does not exist. */
  async describeTopic(name: string): Promise<TopicDescription> {
    const layout = await this.layout([name]);
    const topic = layout.topics.get(name);
    const unready = layout.unready.get(name);
    if (unready !== undefined)
      throw new ClientError(`topic '${name}' is not available (${unready})`, 'UNAVAILABLE', {
        brokerError: unready,
      });
    if (!topic) throw new ClientError(`topic '${name}' does not exist`, 'NOT_FOUND');
    return topic;
  }

  /** CONFLICT when the topic exists already. */
  async createTopic(name: string, topic: NewTopic = {}): Promise<void> {
    await this.#call((admin) =>
      admin.createTopics({
        topics: [name],
        partitions: topic.partitions ?? -1,
        replicas: topic.replicas ?? -1,
        configs: Object.entries(topic.configs ?? {}).map(([key, value]) => ({ name: key, value })),
      }),
    ).catch((error: unknown) => {
      if (error instanceof ClientError && error.brokerError === 'TOPIC_ALREADY_EXISTS')
        throw new ClientError(`topic '${name}' already exists`, 'CONFLICT', {
          brokerError: error.brokerError,
        });
      throw error;
    });
  }

  /** NOT_FOUND when the topic does not exist. */
  async deleteTopic(name: string): Promise<void> {
    await this.#call((admin) => admin.deleteTopics({ topics: [name] })).catch((error: unknown) => {
      if (error instanceof ClientError && error.brokerError === 'UNKNOWN_TOPIC_OR_PARTITION')
        throw new ClientError(`topic '${name}' does not exist`, 'NOT_FOUND', {
          brokerError: error.brokerError,
        });
      throw error;
    });
  }

  /** The topic's configs, or undefined when the broker does not serve DescribeConfigs. */
  async topicConfigs(name: string): Promise<ConfigEntry[] | undefined> {
    try {
      const [description] = await this.#admin.describeConfigs({
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name }],
      });
      return (description?.configs ?? []).map((c) => ({
        name: c.name,
        value: c.value ?? null,
        isDefault: c.configSource === DEFAULT_CONFIG_SOURCE,
        isSensitive: c.isSensitive,
      }));
    } catch (error) {
      if (isUnsupportedApi(error)) return undefined;
      throw toClientError(error, this.#options.bootstrap);
    }
  }

  /** Sets the topic's configs (AlterConfigs: those not named go back to their defaults). */
  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    await this.#call((admin) =>
      admin.alterConfigs({
        resources: [
          {
            resourceType: TOPIC_RESOURCE,
            resourceName: name,
            configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
          },
        ],
      }),
    );
  }

  /** ListGroups at every broker, with states in Kafka's spelling ('' before ListGroups v4). */
  async listGroups(): Promise<GroupListing[]> {
    const { brokers } = await this.layout([]);
    const answers = await Promise.all(
      [...brokers.values()].map((b) => this.#wire.send(`${b.host}:${b.port}`, ListGroups, {})),
    );
    const groups = new Map<string, GroupListing>();
    for (const { body } of answers) {
      if (body.errorCode !== 0) throw new ClientError(`ListGroups answered error ${body.errorCode}`);
      for (const g of body.groups) {
        groups.set(g.groupId, {
          groupId: g.groupId,
          state: g.groupState ?? '',
          protocolType: g.protocolType,
        });
      }
    }
    return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** Groups' state and members, assignments decoded whatever client made them. */
  describeGroups(groupIds: string[]): Promise<Map<string, GroupDescription>> {
    return describeGroups(this.#wire, groupIds);
  }

  /** The coordinator of a group, or undefined when none is available. */
  async coordinatorOf(groupId: string): Promise<BrokerDescription | undefined> {
    const { version, body } = await this.#wire.toAnyBroker(FindCoordinator, {
      key: groupId,
      keyType: 0,
      coordinatorKeys: [groupId],
    });
    const found = version >= 4 ? body.coordinators[0] : body;
    if (found?.errorCode !== 0) return undefined;
    return { nodeId: found.nodeId, host: found.host, port: found.port };
  }

  /** Committed offsets of each group (OffsetFetch for all its partitions); -1s are left out. */
  async committedOffsets(groupIds: string[]): Promise<Map<string, OffsetTable>> {
    const result = new Map<string, OffsetTable>(groupIds.map((g) => [g, new Map()]));
    if (groupIds.length === 0) return result;
    const listed = await this.#call((admin) => admin.listConsumerGroupOffsets({ groups: groupIds }));
    for (const group of listed) {
      const table = result.get(group.groupId);
      if (!table) continue;
      for (const topic of group.topics) {
        for (const p of topic.partitions) {
          if (p.committedOffset >= 0n) setOffset(table, topic.name, p.partitionIndex, p.committedOffset);
        }
      }
    }
    return result;
  }

  /**
   * Commits offsets for a group with no members (a "simple" commit). CONFLICT when the group has
   * members: the coordinator refuses then.
   */
  async commitGroupOffsets(groupId: string, offsets: OffsetTable): Promise<void> {
    await this.#call((admin) =>
      admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...offsets].map(([name, byPartition]) => ({
          name,
          partitionOffsets: [...byPartition].map(([partition, offset]) => ({ partition, offset })),
        })),
      }),
    ).catch((error: unknown) => {
      if (error instanceof ClientError && error.brokerError === 'UNKNOWN_MEMBER_ID')
        throw new ClientError(`consumer group '${groupId}' has active members`, 'CONFLICT', {
          brokerError: error.brokerError,
        });
      throw error;
    });
  }

  /** NOT_FOUND for an unknown group; CONFLICT while it has members (NON_EMPTY_GROUP). */
  async deleteGroup(groupId: string): Promise<void> {
    await this.#call((admin) => admin.deleteGroups({ groups: [groupId] }));
  }

  /** The number of partitions of a topic; NOT_FOUND when it does not exist. */
  async partitionCount(topic: string): Promise<number> {
    return (await this.describeTopic(topic)).partitions.length;
  }

  /**
   * ListOffsets for partitions of existing topics: the earliest offset, the log end offset, or for a
   * time the first offset at or after it (-1 when there is none).
   */
  async listOffsets(partitions: readonly TopicPartitions[], spec: OffsetSpec): Promise<OffsetTable> {
    const wanted = new Map(
      partitions.filter((t) => t.partitions.length > 0).map((t) => [t.topic, t.partitions]),
    );
    if (wanted.size === 0) return new Map();
    const layout = await this.layout([...wanted.keys()]);
    return readOffsets(this.#wire, layout, wanted, spec);
  }

  async close(): Promise<void> {
    await Promise.all([this.#library?.close().catch(() => {}), this.#wire.close()]);
  }
}
