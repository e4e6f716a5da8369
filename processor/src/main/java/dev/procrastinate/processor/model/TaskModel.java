package dev.procrastinate.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * The validated tasks of one class, from which one registrar is written.
 *
 * @param type the class that declares the {@code @Task} methods
 * @param packageName its package
 * @param className its JavaPoet name
 * @param registrarName the simple name of its registrar, {@code <Outer>_<Inner>_TaskRegistrar}
 * @param methods the tasks, in declaration order
 */
public record TaskModel(
    TypeElement type,
    String packageName,
    ClassName className,
    String registrarName,
    List<TaskMethod> methods) {}
