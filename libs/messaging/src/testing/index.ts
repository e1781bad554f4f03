/** Test support for integration tests of any service and the local stack: private topics, topics created ready, topic readers. */
export { createTestTopics, deleteTestTopics, readTopic, testKafka, TEST_BROKERS, type ReadMessage } from './kafka-testing';
export { createTopicsReady } from '../lib/kafka/topics';
