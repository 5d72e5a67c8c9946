/**
 * The Reliability tab: reliability trials (per-class accuracy drop over many calibration seeds) of the last
 * simulation's configuration, with a box plot that grows while the trials run, a worst-class tile and a
 * plain-language reading.
 */
package org.quantscope.ui.reliability;
