import { OmicsIOError } from '../errors/omics-io-error';

/** Where a group's first row sits, for messages about the whole group. */
export interface GroupOrigin {
  name: string;
  line: number;
  column: number;
}

/** Too few time points or nothing measured: refuse the group with a message that points at its first row. */
export function checkGroup(
  origin: GroupOrigin,
  timeCount: number,
  values: readonly Float64Array[],
  minTimePoints: number,
  hasGroupColumn: boolean,
  file: string | undefined,
): void {
  const where = { file, line: origin.line, column: origin.column };
  const subject = hasGroupColumn ? `group ${JSON.stringify(origin.name)}` : 'the table';
  if (timeCount < minTimePoints) {
    throw new OmicsIOError(
      'too-few-times',
      `${subject} has ${timeCount} time point${timeCount === 1 ? '' : 's'}; at least ${minTimePoints} are needed`,
      where,
    );
  }
  for (const row of values) for (let k = 0; k < row.length; k++) if (!Number.isNaN(row[k]!)) return;
  throw new OmicsIOError('empty-group', `${subject} has no measured values in the selected columns`, where);
}
