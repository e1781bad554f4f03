import { BadRequestException, Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { parseInput, strictFields } from '../reconciliation/http-input';
import { SETTLEMENT_CYCLES } from './domain/cycles';
import { SettlementRefused, SettlementService, type MerchantRow, type StatementRow } from './settlement-service';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'expected an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z' });
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');
const MerchantId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64');
const Channel = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'a payment channel such as alipay or wechat (lower case)');

const CycleBody = z.strictObject({ cycle: z.enum(SETTLEMENT_CYCLES, { message: `expected one of ${SETTLEMENT_CYCLES.join(', ')}` }), settlesFrom: instant.optional() }, strictFields);
const FeeRateBody = z.strictObject(
  {
    channel: Channel,
    basisPoints: z.number({ message: 'expected basis points (60 = 0.6 %)' }).int('whole basis points').min(0).max(10_000, 'at most 10000 (100 %)'),
    fixedMinor: z.number({ message: 'expected minor units' }).int('whole minor units').min(0).default(0),
    effectiveFrom: instant,
  },
  strictFields,
);
const AdjustmentBody = z.strictObject(
  {
    merchantId: MerchantId,
    currency: Currency.default('CNY'),
    amount: z.number({ message: 'expected signed minor units' }).int('whole minor units').refine((n) => n !== 0, 'must not be 0').refine(Number.isSafeInteger, 'out of range'),
    reason: z.string({ message: 'expected a text' }).trim().min(1, 'must not be empty').max(300, 'at most 300 characters'),
    orderId: z.uuid('expected cardlink’s order id (UUID)').optional(),
  },
  strictFields,
);
const IssueBody = z.strictObject({ merchantId: MerchantId, periodOf: instant, currency: Currency.default('CNY') }, strictFields);

const PageQuery = z.strictObject(
  {
    page: z.coerce.number({ message: 'expected a page number' }).int('expected a whole page number').min(1, 'pages start at 1').default(1),
    pageSize: z.coerce.number({ message: 'expected a page size' }).int('expected a whole page size').min(1, 'at least 1').max(200, 'at most 200').default(50),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}; expected page, pageSize` : undefined) },
);

const statementId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('statement id must be a UUID') });

function merchantView(m: MerchantRow) {
  return { merchantId: m.merchant_id, cycle: m.cycle, settlesFrom: m.settles_from.toISOString(), updatedBy: m.updated_by, updatedAt: m.updated_at.toISOString() };
}

function statementView(s: StatementRow) {
  return {
    id: s.id,
    merchantId: s.merchant_id,
    cycle: s.cycle,
    periodStart: s.period_start.toISOString(),
    periodEnd: s.period_end.toISOString(),
    payableOn: s.payable_on,
    currency: s.currency,
    gross: Number(s.gross),
    fees: Number(s.fees),
    refunds: Number(s.refunds),
    adjustments: Number(s.adjustments),
    net: Number(s.net),
    orderCount: s.order_count,
    issuedBy: s.issued_by,
    issuedAt: s.issued_at.toISOString(),
  };
}

async function refusalsAs409<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SettlementRefused) throw new ConflictException(error.message);
    throw error;
  }
}

/** Fee rates, merchants' cycles, adjustments and statements; amounts are integer minor units. */
@Controller('settlement')
export class SettlementController {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  @Put('merchants/:merchantId')
  @RequireScopes('settlement:write')
  async setCycle(@Param('merchantId') merchantId: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const id = parseInput(MerchantId, merchantId, 'merchantId');
    const { cycle, settlesFrom } = parseInput(CycleBody, body, 'body');
    return merchantView(await this.settlement.setCycle(id, cycle, settlesFrom === undefined ? undefined : new Date(settlesFrom), who.name));
  }

  @Get('merchants/:merchantId')
  @RequireScopes('settlement:read')
  async merchant(@Param('merchantId') merchantId: string) {
    const merchant = await this.settlement.merchant(parseInput(MerchantId, merchantId, 'merchantId'));
    if (!merchant) throw new NotFoundException(`merchant ${merchantId} has no settlement cycle`);
    return merchantView(merchant);
  }

  /** 201 for a new rate, 200 for the same rate again, 409 for another rate at the same channel and moment. */
  @Post('fee-rates')
  @RequireScopes('settlement:write')
  async addFeeRate(@Body() body: unknown, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) response: { status(code: number): unknown }) {
    const rate = parseInput(FeeRateBody, body, 'body');
    const result = await refusalsAs409(() => this.settlement.addFeeRate({ ...rate, effectiveFrom: new Date(rate.effectiveFrom).toISOString() }, who.name));
    response.status(result.created ? 201 : 200);
    return result.rate;
  }

  @Get('fee-rates')
  @RequireScopes('settlement:read')
  async feeRates() {
    return { items: await this.settlement.feeRates() };
  }

  @Post('adjustments')
  @HttpCode(201)
  @RequireScopes('settlement:write')
  async addAdjustment(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const adjustment = parseInput(AdjustmentBody, body, 'body');
    return { ...(await this.settlement.addAdjustment(adjustment, who.name)), ...adjustment, statementId: null };
  }

  /** 201 with the new statement, 200 with the one already issued for that period; 409 when it cannot be issued yet. */
  @Post('statements')
  @RequireScopes('settlement:write')
  async issue(@Body() body: unknown, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) response: { status(code: number): unknown }) {
    const { merchantId, periodOf, currency } = parseInput(IssueBody, body, 'body');
    const { statement, created } = await refusalsAs409(() => this.settlement.issue(merchantId, new Date(periodOf).toISOString(), currency, who.name));
    response.status(created ? 201 : 200);
    return { ...statementView(statement), created };
  }

  /** A merchant's statements, the latest period first. */
  @Get('merchants/:merchantId/statements')
  @RequireScopes('settlement:read')
  async statements(@Param('merchantId') merchantId: string, @Query() query: Record<string, unknown>) {
    const { page, pageSize } = parseInput(PageQuery, query, 'query');
    const { items, total } = await this.settlement.statements(parseInput(MerchantId, merchantId, 'merchantId'), page, pageSize);
    return { items: items.map(statementView), page, pageSize, total };
  }

  @Get('statements/:id')
  @RequireScopes('settlement:read')
  async statement(@Param('id', statementId) id: string) {
    const found = await this.settlement.statement(id);
    if (!found) throw new NotFoundException(`no statement ${id}`);
    return {
      ...statementView(found.statement),
      lines: found.lines.map((l) => ({
        lineNo: l['line_no'],
        kind: l['kind'],
        orderId: l['order_id'],
        shopOrderId: l['shop_order_id'],
        paymentReference: l['payment_reference'],
        channel: l['channel'],
        amount: Number(l['amount']),
        feeBasisPoints: l['fee_basis_points'],
        feeFixed: l['fee_fixed'] === null ? null : Number(l['fee_fixed']),
        fee: Number(l['fee']),
        refund: Number(l['refund']),
        adjustment: Number(l['adjustment']),
        net: Number(l['net']),
        occurredAt: l['occurred_at'] instanceof Date ? l['occurred_at'].toISOString() : null,
        adjustmentId: l['adjustment_id'],
        note: l['note'],
      })),
    };
  }
}
