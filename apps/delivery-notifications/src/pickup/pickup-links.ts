import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { DeliveryConfig } from '../config';
import { signPickupLink, verifyPickupLink, type LinkCheck } from './pickup-link';

/** Pickup links of this deployment: its secret, its lifetime and its public address. */
@Injectable()
export class PickupLinks {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: DeliveryConfig) {}

  create(orderId: string, now = new Date()): { url: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.config.PICKUP_LINK_TTL_HOURS * 3_600_000);
    const token = signPickupLink(this.config.PICKUP_LINK_SECRET, orderId, expiresAt);
    // In the query, not the path: request logs redact a `token` query parameter.
    return { url: `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/pickup/link?token=${token}`, expiresAt };
  }

  check(token: string, now = new Date()): LinkCheck {
    return verifyPickupLink(this.config.PICKUP_LINK_SECRET, token, now);
  }
}
