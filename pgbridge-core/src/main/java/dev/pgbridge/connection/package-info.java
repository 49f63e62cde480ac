/** The Connection model and its codecs. */
package dev.pgbridge.connection;
