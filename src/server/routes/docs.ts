// GET /docs: an interactive page of the service's API (Swagger UI on the generated OpenAPI 3 document), served by
// the service itself with its own packaged assets, under a CSP that allows nothing from elsewhere. "Authorize"
// takes the service's key or token, which the page sends as `Authorization: Bearer …` on "Try it out".
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../../core/errors';
import { swaggerUiAsset, swaggerUiFiles, type SwaggerUiFile } from '../docs/swaggerUiAssets';

// Swagger UI sets style attributes as it renders: styles need 'unsafe-inline'; scripts come from this origin only.
const csp = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const page = (title: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// The document is read relative to the page, so the page works behind the service host and in containers alike.
const init = `window.ui = SwaggerUIBundle({
  url: new URL('/swagger.json?version=3', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
});
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function secured(reply: FastifyReply): FastifyReply {
  return reply.header('content-security-policy', csp).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
}

export function registerDocsRoutes(app: FastifyInstance, serviceName: string): void {
  app.get('/docs', async (_req, reply) => {
    if (!(await swaggerUiAsset('swagger-ui-bundle.js'))) {
      throw new NotFoundError('This installation of Modelport has no Swagger UI files: the API is at GET /swagger.json.');
    }
    return secured(reply).type('text/html; charset=utf-8').send(page(`${escapeHtml(serviceName)} · API`));
  });
  app.get('/docs/init.js', async (_req, reply) => secured(reply).type('text/javascript; charset=utf-8').send(init));
  for (const file of swaggerUiFiles) {
    app.get(`/docs/${file}`, async (_req, reply) => {
      const bytes = await swaggerUiAsset(file as SwaggerUiFile);
      if (!bytes) throw new NotFoundError(`No ${file} in this installation.`);
      return secured(reply)
        .type(file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(bytes);
    });
  }
}
