import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProductChanged, type EventEnvelope } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { UnitOfWork } from '@cardlink/platform';
import { SyncQueue } from '../sync/sync-queue';
import { applyPatch, definitionProblems, type NewProductInput, type ProductDefinition, type ProductPatch, type ProductStatus } from './product-rules';
import { ProductStore, type Product } from './product-store';

/** Fields the shop listing shows; a change to any of them (or to the status) is pushed to the shop. */
const LISTING_FIELDS: readonly (keyof ProductDefinition)[] = ['title', 'description', 'price', 'currency', 'categories', 'status'];

/**
 * Products as merchants define them. Every change, its ProductChanged event
 * and the request to push it to the shop commit in one transaction.
 */
@Injectable()
export class ProductsService {
  constructor(
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
  ) {}

  async create(input: NewProductInput): Promise<Product> {
    const { productId = randomUUID(), ...definition } = input;
    const problems = definitionProblems(definition);
    if (problems.length > 0) throw new BadRequestException(problems);
    return this.unitOfWork.run(async (manager) => {
      const store = new ProductStore(manager);
      await this.requireMappedCategories(store, definition.categories);
      if (!(await store.insert(productId, definition))) throw new ConflictException(`product ${productId} exists; change it with PATCH /products/${productId}`);
      const product = await this.mustFind(store, productId);
      await this.announce(manager, product);
      if (product.status === 'listed') await this.queue.request(manager, productId, 'listing');
      return product;
    });
  }

  async update(productId: string, patch: ProductPatch): Promise<Product> {
    return this.unitOfWork.run(async (manager) => {
      const store = new ProductStore(manager);
      const current = await this.mustFind(store, productId, true);
      const result = applyPatch(current, patch);
      if ('problems' in result) throw new BadRequestException(result.problems);
      if (patch.categories) await this.requireMappedCategories(store, patch.categories);
      const changed = (Object.keys(result.product) as (keyof ProductDefinition)[]).filter((k) => JSON.stringify(result.product[k]) !== JSON.stringify(current[k]));
      if (changed.length === 0) return current;
      await store.update(productId, result.product);
      const product = await this.mustFind(store, productId);
      await this.announce(manager, product);
      if (product.status !== 'draft' && changed.some((k) => LISTING_FIELDS.includes(k))) await this.queue.request(manager, productId, 'listing');
      return product;
    });
  }

  /** Adopts a value the shop owns (field policy `accept`) as a new revision, announced like any change. */
  async adoptFromShop(manager: EntityManager, productId: string, changes: Partial<Pick<ProductDefinition, 'title' | 'description'>>, cause?: EventEnvelope): Promise<void> {
    const store = new ProductStore(manager);
    const current = await this.mustFind(store, productId, true);
    await store.update(productId, { ...current, ...changes });
    await this.announce(manager, await this.mustFind(store, productId), cause);
  }

  async find(manager: EntityManager, productId: string): Promise<Product> {
    return this.mustFind(new ProductStore(manager), productId);
  }

  async list(manager: EntityManager, filter: { status?: ProductStatus; limit: number; offset: number }): Promise<{ items: Product[]; total: number }> {
    return new ProductStore(manager).list(filter);
  }

  private async requireMappedCategories(store: ProductStore, categories: readonly string[]): Promise<void> {
    const unmapped = await store.unmappedCategories(categories);
    if (unmapped.length > 0) {
      throw new BadRequestException(`categories without a shop category mapping: ${unmapped.join(', ')} (map them first with PUT /categories/<key>)`);
    }
  }

  private async mustFind(store: ProductStore, productId: string, lock = false): Promise<Product> {
    const product = await store.find(productId, lock);
    if (!product) throw new NotFoundException(`no product ${productId}`);
    return product;
  }

  private async announce(manager: EntityManager, product: Product, causedBy?: EventEnvelope): Promise<void> {
    await this.outbox.add(manager, ProductChanged, {
      subject: product.productId,
      ...(causedBy ? { causedBy } : {}),
      data: {
        productId: product.productId,
        revision: product.revision,
        title: product.title,
        price: product.price,
        currency: product.currency,
        poolMode: product.poolMode,
        ...(product.reusableCap === null ? {} : { reusableCap: product.reusableCap }),
        deliveryChannels: product.deliveryChannels,
        minPerOrder: product.minPerOrder,
        maxPerOrder: product.maxPerOrder,
        lowStockThreshold: product.lowStockThreshold,
        status: product.status,
        changedAt: product.updatedAt,
      },
    });
  }
}
