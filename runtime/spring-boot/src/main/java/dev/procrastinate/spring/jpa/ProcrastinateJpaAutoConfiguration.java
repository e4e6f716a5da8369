package dev.procrastinate.spring.jpa;

import dev.procrastinate.jpa.ProcrastinateJob;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.util.ClassUtils;

/**
 * Registers the entities of {@code dev.procrastinate.jpa} with the application's entity manager,
 * and, with Spring Data JPA, the read-only {@link ProcrastinateJobRepository}, {@link
 * ProcrastinateEventRepository} and {@link ProcrastinateJobFailureRepository}.
 *
 * <p>The entities' package joins the auto-configuration packages Spring Boot scans for entities;
 * when the application narrows the scan with {@code @EntityScan}, it joins that scan too.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
      "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration"
    })
@ConditionalOnClass(
    name = {"jakarta.persistence.EntityManagerFactory", "dev.procrastinate.jpa.ProcrastinateJob"})
@Import(ProcrastinateJpaAutoConfiguration.EntityPackages.class)
public class ProcrastinateJpaAutoConfiguration {
  static final String ENTITY_PACKAGE = ProcrastinateJob.class.getPackageName();

  private static final String[] ENTITY_SCAN_PACKAGES = {
    "org.springframework.boot.persistence.autoconfigure.EntityScanPackages",
    "org.springframework.boot.autoconfigure.domain.EntityScanPackages"
  };

  /** Created by Spring Boot. */
  public ProcrastinateJpaAutoConfiguration() {}

  /** Adds the entities' package to what the entity manager scans. */
  static final class EntityPackages implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(
        AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      AutoConfigurationPackages.register(registry, ENTITY_PACKAGE);
      for (String className : ENTITY_SCAN_PACKAGES) {
        if (registry.containsBeanDefinition(className)) {
          addEntityScanPackage(className, registry);
        }
      }
    }

    private static void addEntityScanPackage(String className, BeanDefinitionRegistry registry) {
      try {
        Class<?> type = ClassUtils.forName(className, EntityPackages.class.getClassLoader());
        Method register = type.getMethod("register", BeanDefinitionRegistry.class, String[].class);
        register.invoke(null, registry, new String[] {ENTITY_PACKAGE});
      } catch (ClassNotFoundException
          | NoSuchMethodException
          | IllegalAccessException
          | InvocationTargetException e) {
        throw new IllegalStateException(
            "cannot add "
                + ENTITY_PACKAGE
                + " to the application's @EntityScan packages through "
                + className
                + "; add it to @EntityScan yourself",
            e);
      }
    }
  }

  /** The repositories, with Spring Data JPA. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.data.jpa.repository.support.JpaRepositoryFactory")
  @ConditionalOnSingleCandidate(EntityManagerFactory.class)
  static class Repositories {
    @Bean
    @ConditionalOnMissingBean
    ProcrastinateJobRepository procrastinateJobRepository(
        EntityManagerFactory entityManagerFactory) {
      return factory(entityManagerFactory).getRepository(ProcrastinateJobRepository.class);
    }

    @Bean
    @ConditionalOnMissingBean
    ProcrastinateEventRepository procrastinateEventRepository(
        EntityManagerFactory entityManagerFactory) {
      return factory(entityManagerFactory).getRepository(ProcrastinateEventRepository.class);
    }

    @Bean
    @ConditionalOnMissingBean
    ProcrastinateJobFailureRepository procrastinateJobFailureRepository(
        EntityManagerFactory entityManagerFactory) {
      return factory(entityManagerFactory).getRepository(ProcrastinateJobFailureRepository.class);
    }

    private static JpaRepositoryFactory factory(EntityManagerFactory entityManagerFactory) {
      return new JpaRepositoryFactory(
          SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory));
    }
  }
}
