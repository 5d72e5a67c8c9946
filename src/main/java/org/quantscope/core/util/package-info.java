/** Progress reporting and cooperative cancellation shared by all long-running core operations. */
package org.quantscope.core.util;
