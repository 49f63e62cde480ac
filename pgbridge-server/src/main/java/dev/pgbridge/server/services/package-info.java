/** The services the server's API and UI modules share (a leaf below the composition root, so no package cycle). */
package dev.pgbridge.server.services;
