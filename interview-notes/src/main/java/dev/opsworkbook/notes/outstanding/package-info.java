/** Q31–Q35: "ordinary vs outstanding" answers about virtual threads and async work, each with a measured demo. */
package dev.opsworkbook.notes.outstanding;
