import { Module } from '@nestjs/common';
import { CardImportController } from './card-import.controller';
import { CardImportService } from './card-import.service';

@Module({
  controllers: [CardImportController],
  providers: [CardImportService],
})
export class CardImportModule {}
