/**
 * Data-quality tests ({@code sourceConfig.config.type: TestSuite}, {@code processor.type: orm-test-runner}): the
 * OpenMetadata test definitions, run read-only, their results kept per run.
 */
package dev.pgbridge.metadata.quality;
