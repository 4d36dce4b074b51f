// Glue needs a script for a Scala job; paraglue's job is the class given by --class
// (dev.paraglue.job.ParagraphJob) in --extra-jars. This object is never run.
object ParagluePlaceholder {
  def main(args: Array[String]): Unit = {}
}
