package dev.paraglue.it;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The whole job on a temporary embedded catalog, one concern per class in {@code
 * dev.paraglue.it.job} (JobOutputsIT, JobRerunsIT, JobRemovalIT, JobMaintenanceIT, JobInputsIT):
 * run together here, in one fork, they share one Spark session and one catalog (starting them costs
 * about 15 s of CPU). Failsafe runs the package only through this suite; {@code
 * -Dit.test=JobRerunsIT} runs one class alone.
 */
@Suite
@SelectPackages("dev.paraglue.it.job")
@IncludeClassNamePatterns(".*IT")
class ParagraphJobIT {}
