/** Keeps the Markdown notes' code blocks identical to the regions of the compiled demos. */
package dev.opsworkbook.notes.sync;
