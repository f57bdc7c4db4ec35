/** Q36–Q41: SRE practice (SLOs and burn rates, health payloads, load tests in CI, logging, CPU limits, guardrails). */
package dev.opsworkbook.notes.sre;
