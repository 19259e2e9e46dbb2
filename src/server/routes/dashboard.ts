import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http-errors.js';

/** chart.js's UMD build, as npm installed it: the dashboard loads no script from a CDN. */
const CHART_JS = fileURLToPath(new URL('../../../node_modules/chart.js/dist/chart.umd.js', import.meta.url));

/**
 * `/vendor/chart.umd.js` for the admin dashboard (`public/admin/`, served with the other static
 * pages). The page holds no figures itself: it signs in with the admin token and reads
 * `GET /api/admin/stats`.
 */
export function dashboardRoutes() {
  let script: Promise<Buffer> | undefined;
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/vendor/chart.umd.js', async (req, reply) => {
      script ??= readFile(CHART_JS);
      try {
        const body = await script;
        return reply
          .type('application/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=86400')
          .send(body);
      } catch (err) {
        script = undefined;
        req.log.error({ err }, 'chart.js missing from node_modules');
        return sendError(reply, 'KEFU_NOT_FOUND', 'chart.js is not installed');
      }
    });
  };
}
