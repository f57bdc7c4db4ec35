/**
 * Q42–Q45: four short, runnable recipes (the seed's reference snippets, in Java), each pointing to the deeper
 * questions and exercises.
 */
package dev.opsworkbook.notes.recipes;
