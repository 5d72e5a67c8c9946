/** Exports of results (JSON now; CSV and PDF with later analyses). Headless: no JavaFX. */
package org.quantscope.report;
