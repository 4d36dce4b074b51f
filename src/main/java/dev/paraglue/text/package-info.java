/** The paragraph contract (SPEC section 1) in plain Java: no Spark, no AWS. */
package dev.paraglue.text;
