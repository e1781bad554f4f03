import { Module } from '@nestjs/common';
import { BackorderService } from '../backorders/backorder.service';
import { OrderCancelledConsumer } from '../backorders/order-cancelled.consumer';
import { AllocationMetrics } from './allocation-metrics';
import { AllocationService } from './allocation.service';
import { OrderApprovedConsumer } from './order-approved.consumer';

@Module({
  controllers: [OrderApprovedConsumer, OrderCancelledConsumer],
  providers: [AllocationMetrics, AllocationService, BackorderService],
  exports: [AllocationService, BackorderService],
})
export class AllocationModule {}
