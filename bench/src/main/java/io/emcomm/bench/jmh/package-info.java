/** JMH micro-benchmarks of the router's parts (framing, header flyweight, journal append, queues, routing table). */
package io.emcomm.bench.jmh;
