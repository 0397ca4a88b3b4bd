/**
 * The command-post console: a web server (Javalin) that logs in to a router as one command post through the public
 * client and serves the duty officer's page, pushing deliveries by server-sent events. Client callbacks arrive on the
 * client's thread; HTTP requests on Javalin's. Imports the client library, never the router.
 */
package io.emcomm.console;
