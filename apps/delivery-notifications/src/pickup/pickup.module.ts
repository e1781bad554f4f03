import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { CardReports } from './card-reports';
import { PickupController } from './pickup.controller';
import { PickupService } from './pickup.service';

@Module({
  imports: [DeliveriesModule],
  controllers: [PickupController],
  providers: [PickupService, CardReports],
})
export class PickupModule {}
