import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module';
import { CardImportController } from './card-import.controller';
import { CardImportService } from './card-import.service';

@Module({
  imports: [AllocationModule],
  controllers: [CardImportController],
  providers: [CardImportService],
})
export class CardImportModule {}
