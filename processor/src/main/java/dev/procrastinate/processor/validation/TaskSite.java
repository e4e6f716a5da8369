package dev.procrastinate.processor.validation;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * One {@code @Task} method being validated, with what every check needs to report on it.
 *
 * @param type the class that declares the method
 * @param method the method
 * @param task its {@code @Task} annotation
 * @param packageName the package of the class, where generated code goes
 * @param signature the method as text, e.g. {@code com.acme.MailTasks.send(long)}
 */
record TaskSite(
    TypeElement type,
    ExecutableElement method,
    AnnotationMirror task,
    String packageName,
    String signature) {}
