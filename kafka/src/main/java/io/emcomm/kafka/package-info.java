/**
 * Kafka for EmComm (issue 15): a local KRaft cluster of broker processes run from the Maven artifacts
 * ({@link io.emcomm.kafka.LocalKafkaCluster}), and the cluster's two topics, created and checked
 * ({@link io.emcomm.kafka.JournalTopics}). The router's Kafka journal builds on this package; docs/cluster.md
 * explains the settings and why.
 */
package io.emcomm.kafka;
