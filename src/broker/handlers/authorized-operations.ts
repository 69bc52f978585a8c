// Authorized-operations bit sets (bit n = AclOperation code n) that Metadata, DescribeCluster and
// DescribeGroups return when asked. With no ACLs, Kafka grants every operation a resource type
// supports; these are the sets read off Apache Kafka 4.3.1.

/** "Not asked for" (INT32_MIN), the default of every *AuthorizedOperations field. */
export const NO_OPERATIONS = -2147483648;
/** A topic: Read 3, Write 4, Create 5, Delete 6, Alter 7, Describe 8, DescribeConfigs 10, AlterConfigs 11 (not ClusterAction 9). */
export const ALL_TOPIC_OPERATIONS = 0b1101_1111_1000;
/** The cluster: Create 5, Alter 7, Describe 8, ClusterAction 9, DescribeConfigs 10, AlterConfigs 11, IdempotentWrite 12. */
export const ALL_CLUSTER_OPERATIONS = 0b1_1111_1010_0000;
/** A group: Read 3, Delete 6, Describe 8. */
export const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
