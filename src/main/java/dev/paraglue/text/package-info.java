/** The paragraph contract (docs/contract.md §1) in plain Java: no Spark, no AWS. */
package dev.paraglue.text;
