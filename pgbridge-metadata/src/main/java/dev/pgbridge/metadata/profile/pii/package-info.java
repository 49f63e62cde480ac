/**
 * PII tagging: whether a column holds personal data, from its name and from sampled values, with OpenMetadata's tags
 * ({@code PII.Sensitive}, {@code PII.NonSensitive}) and a confidence score.
 */
package dev.pgbridge.metadata.profile.pii;
