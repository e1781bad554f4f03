import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { maskEmail, maskPhone, maskSecret } from '@cardlink/observability';
import { UnitOfWork } from '@cardlink/platform';
import { DataSource } from 'typeorm';
import { parseRequest } from '../http/validation';
import { IDENTITY_FIELDS } from './identifiers';
import { LIST_KINDS, ListEntryInput } from './list-entry';
import { ListStore, StoredListEntry } from './list-store';

const ListQuery = z.object({
  kind: z.enum(LIST_KINDS).optional(),
  field: z.enum(IDENTITY_FIELDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const entryId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('list entry id must be a UUID') });

/** Block, allow and watch lists. Who set an entry is the caller; contacts are masked in every answer. */
@Controller('lists')
@RequireScopes('risk:admin')
export class ListsController {
  constructor(
    @Inject(ListStore) private readonly lists: ListStore,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const filter = parseRequest(ListQuery, query, 'query');
    return { items: (await this.lists.list(this.dataSource.manager, filter)).map(view) };
  }

  @Post()
  async add(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const input = typeof body === 'object' && body !== null ? body : {};
    const entry = parseRequest(ListEntryInput, { ...input, id: randomUUID(), setBy: who.name });
    return view(await this.unitOfWork.run((manager) => this.lists.add(manager, entry)));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', entryId) id: string, @CurrentPrincipal() who: Principal): Promise<void> {
    const removed = await this.unitOfWork.run((manager) => this.lists.remove(manager, id, who.name));
    if (!removed) throw new NotFoundException(`no list entry ${id} (or it was already removed)`);
  }
}

function view(entry: StoredListEntry) {
  return {
    id: entry.id,
    kind: entry.kind,
    field: entry.field,
    value: masked(entry.field, entry.value),
    overridable: entry.overridable,
    expiresAt: entry.expiresAt?.toISOString() ?? null,
    setBy: entry.setBy,
    reason: entry.reason,
    createdAt: entry.createdAt.toISOString(),
  };
}

function masked(field: StoredListEntry['field'], value: string): string {
  switch (field) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'paymentAccount':
      return maskSecret(value);
    case 'buyerId':
    case 'ip':
    case 'deviceId':
      return value;
  }
}
