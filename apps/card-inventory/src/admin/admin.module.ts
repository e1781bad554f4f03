import { Module } from '@nestjs/common';
import { VoidService } from '../after-sale/void.service';
import { AllocationModule } from '../allocation/allocation.module';
import { InventoryAdminController } from './inventory-admin.controller';
import { InventoryAdminService } from './inventory-admin.service';

@Module({
  imports: [AllocationModule],
  controllers: [InventoryAdminController],
  providers: [InventoryAdminService, VoidService],
})
export class AdminModule {}
