import type { StatusReport } from './fileOperations';
import { countByState, statusTable } from './statusTable';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The migration status as a Markdown document (the extension's Show Migration Status). */
export function statusMarkdown(report: StatusReport): string {
  const counts = countByState(report.rows);
  const { header, cells } = statusTable(report.rows);
  const lines = [
    '# Telemetry schema migrations',
    '',
    `- Database: \`${report.database}\`${report.exists ? '' : ' (does not exist yet)'}`,
    `- Migrations folder: ${report.folder ? `\`${report.folder}\`` : '(none)'}`,
    `- Current version: **${report.current}** — ${counts.applied} applied, ${counts.pending} pending` +
      (counts.changed + counts.missing + counts.failed ? `, ${counts.changed} changed, ${counts.missing} missing, ${counts.failed} failed` : ''),
    '',
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...cells.map((c) => `| ${c.map(cell).join(' | ')} |`),
  ];
  if (report.baselineNeeded.length) {
    lines.push('', `> This database was created by scripts. Running migrations first adopts ${report.baselineNeeded.map((t) => `\`${t}\``).join(', ')}, keeping every row.`);
  }
  if (report.problems.length) lines.push('', '## Problems (migrations are refused until fixed)', '', ...report.problems.map((p) => `- ${cell(p)}`));
  if (report.warnings.length) lines.push('', '## Warnings', '', ...report.warnings.map((w) => `- ${cell(w)}`));
  return lines.join('\n') + '\n';
}
