/**
 * OpenMetadata's workflow YAML ({@code source}, {@code sourceConfig}, {@code sink}, {@code workflowConfig}) read,
 * checked in full (every unknown key, wrong type, invalid regex and missing key at once, each with its path) and turned
 * into a {@link dev.pgbridge.metadata.workflow.Workflow}.
 */
package dev.pgbridge.metadata.workflow;
