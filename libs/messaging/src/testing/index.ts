/** Test support for integration tests of any service: private topics and topic readers. */
export { createTestTopics, deleteTestTopics, readTopic, testKafka, TEST_BROKERS, type ReadMessage } from './kafka-testing';
