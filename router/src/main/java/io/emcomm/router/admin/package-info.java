/**
 * The admin endpoint (docs/operations.md): health, status and Prometheus metrics over HTTP on its own event loop,
 * reading the router through {@link io.emcomm.router.admin.RouterView}. May import every layer below it; not the
 * router itself.
 */
package io.emcomm.router.admin;
