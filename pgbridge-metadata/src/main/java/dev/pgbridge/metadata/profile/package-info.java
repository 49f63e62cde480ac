/**
 * The profiler ({@code sourceConfig.config.type: Profiler}, {@code processor.type: orm-profiler}): table and column
 * metrics with OpenMetadata's names, computed in as few scans of the sample as the math allows; sample data; PII tags.
 */
package dev.pgbridge.metadata.profile;
