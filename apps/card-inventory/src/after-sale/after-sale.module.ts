import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module';
import { ReplacementRequestedConsumer } from './replacement-requested.consumer';
import { VoidService } from './void.service';

/** Replacements asked for by order-processing's after-sale cases. */
@Module({
  imports: [AllocationModule],
  controllers: [ReplacementRequestedConsumer],
  providers: [VoidService],
})
export class AfterSaleModule {}
