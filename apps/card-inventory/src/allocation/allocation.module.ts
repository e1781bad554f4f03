import { Module } from '@nestjs/common';
import { AllocationService } from './allocation.service';
import { OrderApprovedConsumer } from './order-approved.consumer';

@Module({
  controllers: [OrderApprovedConsumer],
  providers: [AllocationService],
})
export class AllocationModule {}
