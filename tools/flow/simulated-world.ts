import { DEFAULT_CLIENT, DEFAULT_SMS_API_KEY, startShopSimulator, type RunningShopSimulator, type ShopSimulatorOptions } from '@cardlink/shop-simulator';
import { localDemoSetting } from '../stack/local-env';
import {
  servicePorts,
  startWorld,
  type World,
  type WorldOptions,
} from './world';

export interface SimulatedWorldOptions extends Omit<WorldOptions, 'sharedEnv'> {
  /** The simulator's own options (port 0 by default; gateway and secrets are filled in). */
  simulator?: Omit<
    ShopSimulatorOptions,
    'gatewayUrl' | 'webhookSecret' | 'paymentProviderSecret'
  >;
  /** Settings every service gets besides the simulator's and the SMTP catcher's. */
  env?: Record<string, string>;
}

export interface SimulatedWorld {
  simulator: RunningShopSimulator;
  world: World;
  /** Stops the services (dropping their schemas and topics unless kept) and the simulator. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * The six services with the shop simulator playing the shop, the payment
 * provider, the SMS provider and the buyers: the simulator signs webhooks with
 * the gateway's secrets and sends them to its port, and every service calls
 * the simulator and the world's SMTP catcher.
 */
export async function startSimulatedWorld(
  opts: SimulatedWorldOptions,
): Promise<SimulatedWorld> {
  const ports = servicePorts(opts);
  const simulator = await startShopSimulator({
    port: 0,
    ...opts.simulator,
    gatewayUrl: `http://127.0.0.1:${ports['shop-gateway']}`,
    webhookSecret: localDemoSetting('shop-gateway', 'SHOP_WEBHOOK_SECRET'),
    paymentProviderSecret: localDemoSetting(
      'shop-gateway',
      'PAYMENT_PROVIDER_SECRET',
    ),
  });
  try {
    const world = await startWorld({
      ...opts,
      sharedEnv: (_ports, smtpPort) => ({
        SHOP_API_URL: simulator.url,
        SHOP_CLIENT_ID: DEFAULT_CLIENT.clientId,
        SHOP_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
        SMS_API_URL: simulator.url,
        SMS_API_KEY: DEFAULT_SMS_API_KEY,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        STOCK_SAFETY_MARGIN: '0',
        ...opts.env,
      }),
    });
    return {
      simulator,
      world,
      stop: async (stopOpts) => {
        await world.stop(stopOpts);
        await simulator.close();
      },
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
