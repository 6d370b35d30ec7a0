import { WarehouseError } from '../../src/warehouse/warehouse.js';

/** The WarehouseError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<WarehouseError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WarehouseError) return error;
    throw new Error(`expected a WarehouseError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the promise to reject, but it resolved');
};

export const scheduleSql =
  'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end';

export const april = { start: '2022-04-16', end: '2022-04-18' };
