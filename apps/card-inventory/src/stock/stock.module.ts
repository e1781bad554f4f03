import { Module } from '@nestjs/common';
import { StockMetrics } from './stock-metrics';
import { StockPublisher } from './stock-publisher';

@Module({ providers: [StockPublisher, StockMetrics] })
export class StockModule {}
