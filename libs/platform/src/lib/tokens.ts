/** Injection token of the validated service configuration. */
export const SERVICE_CONFIG = 'CARDLINK_SERVICE_CONFIG';
/** Injection token of the service's name. */
export const SERVICE_NAME = 'CARDLINK_SERVICE_NAME';
/** Injection token of the pino logger given to messaging. */
export const MESSAGING_LOGGER = 'CARDLINK_MESSAGING_LOGGER';
/** Injection token of the kafkajs client (kept behind libs/messaging for apps). */
export const KAFKA_CLIENT = 'CARDLINK_KAFKA_CLIENT';
