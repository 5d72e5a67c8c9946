/** The bundled demo model and Fashion-MNIST data, located or unpacked from the jar. */
package org.quantscope.core.demo;
